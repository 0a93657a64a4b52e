function(properties, context) {


  //Load any data 



  //Do the operation



}